# 2.0 / a  ->  a.__rtruediv__(2.0)  ->  2.0 * a**-1  ->  (a ** -1) * Value(2.0)
from micrograd.engine import Value
a = Value(4.0, label='a')
b = 2.0 / a
b.backward()
print(b.data, a.grad)
