# tanh (lecture extension): d/dx = 1 - t**2
from micrograd.engine import Value
a = Value(0.5, label='a')
b = a.tanh()
b.backward()
print(b.data, a.grad)
