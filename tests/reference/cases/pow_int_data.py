# int data stays int through micrograd: Value(2) ** 2 has data 4 (an int), op '**2'
from micrograd.engine import Value
a = Value(2, label='a')
b = a**2
c = b * 3
c.backward()
print(a, b, c)
print(a.data, b.data, c.data, a.grad, b.grad, c.grad)
