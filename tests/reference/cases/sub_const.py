# a - 2  ->  a + (-2)  ->  a + Value(-2)   (Python negates the int first; no '*' node)
from micrograd.engine import Value
a = Value(5.0, label='a')
b = a - 2
b.backward()
print(b.data, a.grad)
