# Gradients from several paths add up.
from micrograd.engine import Value

a = Value(-2.0, label='a')
b = Value(3.0, label='b')
d = a * b; d.label = 'd'
e = a + b; e.label = 'e'
f = d * e; f.label = 'f'
f.backward()
print(a.grad, b.grad)  # -3.0 -8.0
