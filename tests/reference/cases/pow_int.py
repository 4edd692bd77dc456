# b ** 3 (int exponent: op '**3'), b ** 2, b ** -1, b ** 0
from micrograd.engine import Value
b = Value(2.0, label='b')
c = b**3
d = b**2
e = b**-1
f = b**0
g = c + d + e + f
g.backward()
print(c.data, d.data, e.data, f.data, b.grad)
