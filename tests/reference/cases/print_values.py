# what print shows: reprs, int vs float data and grads, before/after backward
from micrograd.engine import Value
a = Value(2.0, label='a')
b = Value(3)
print(a)
print(b)
print(a.grad, b.grad)
c = a * b
d = c + 1
print(c, d)
d.backward()
print(a.grad, b.grad, c.grad, d.grad)
print(a, b, c, d)
print(f'{a.grad:.4f} {d.data:.2f}')
