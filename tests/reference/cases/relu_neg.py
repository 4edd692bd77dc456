# relu of a negative value: data 0 (int 0 in micrograd), grad passes 0
from micrograd.engine import Value
a = Value(-2.0, label='a')
b = a.relu()
b.backward()
print(b.data, a.grad)
print(b)
