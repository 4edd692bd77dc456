# a / b  ->  a * (b ** -1)   (op label '**-1')
from micrograd.engine import Value
a = Value(6.0, label='a')
b = Value(4.0, label='b')
c = a / b
c.backward()
print(c.data, a.grad, b.grad)
