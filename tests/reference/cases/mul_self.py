# a * a: one node, two edges; grad 2a
from micrograd.engine import Value
a = Value(3.0, label='a')
b = a * a
b.backward()
print(b.data, a.grad)
