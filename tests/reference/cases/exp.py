# exp (lecture extension): d/dx = out.data
from micrograd.engine import Value
a = Value(1.0, label='a')
b = a.exp()
b.backward()
print(b.data, a.grad)
