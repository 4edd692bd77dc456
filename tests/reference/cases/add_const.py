# a + 2  ->  a + Value(2)   (constant leaf created, int data)
from micrograd.engine import Value
a = Value(3.0, label='a')
b = a + 2
b.backward()
print(b.data, a.grad)
