# a / 2.0  ->  a * (2.0 ** -1)  ->  a * Value(0.5)
from micrograd.engine import Value
a = Value(6.0, label='a')
b = a / 2.0
b.backward()
print(b.data, a.grad)
