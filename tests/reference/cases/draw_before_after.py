# draw_dot before and after backward: two diagrams, same shape, grads filled in the second
from micrograd.engine import Value
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = a * b + a
draw_dot(c)
c.backward()
draw_dot(c)
print(a.grad, b.grad)
