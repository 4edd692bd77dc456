# 2 - a  ->  a.__rsub__(2)  ->  2 + (-a)  ->  (a * Value(-1)) + Value(2)
from micrograd.engine import Value
a = Value(5.0, label='a')
b = 2 - a
b.backward()
print(b.data, a.grad)
