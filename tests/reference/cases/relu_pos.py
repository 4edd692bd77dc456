# relu of a positive value: identity, grad passes 1
from micrograd.engine import Value
a = Value(2.5, label='a')
b = a.relu()
c = b * 2
c.backward()
print(b.data, a.grad)
