# The lecture's first expression graph: L = (a*b + c) * f.
from micrograd.engine import Value

a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a * b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
draw_dot(L)  # the forward pass

L.backward()
draw_dot(L)  # with the gradients
print(a.grad, b.grad, c.grad, e.grad, d.grad, f.grad)

# Nudge the leaves along their gradients and run the forward pass again.
a.data += 0.01 * a.grad
b.data += 0.01 * b.grad
c.data += 0.01 * c.grad
f.data += 0.01 * f.grad
e = a * b
d = e + c
L = d * f
print(L.data)  # -7.286496
