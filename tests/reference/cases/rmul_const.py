# 2 * a  ->  a.__rmul__(2)  ->  a * Value(2)
from micrograd.engine import Value
a = Value(3.0, label='a')
b = 2 * a
b.backward()
print(b.data, a.grad)
