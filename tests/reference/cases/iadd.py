# a += b  ->  a = a + b: a new node named a; the old a stays in the graph
from micrograd.engine import Value
a = Value(1.0)
b = Value(2.0)
a += b
a.backward()
print(a.data, b.grad)
