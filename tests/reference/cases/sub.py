# a - b  ->  a + (b * Value(-1))
from micrograd.engine import Value
a = Value(5.0, label='a')
b = Value(2.0, label='b')
c = a - b
c.backward()
print(c.data, a.grad, b.grad)
