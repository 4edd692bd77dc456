# lecture: L = d * f, then one step of "nudging" the leaves along their gradients
from micrograd.engine import Value
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a*b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
draw_dot(L)
L.backward()
print(a.grad, b.grad, c.grad, e.grad, d.grad, f.grad)
draw_dot(L)
a.data += 0.01 * a.grad
b.data += 0.01 * b.grad
c.data += 0.01 * c.grad
f.data += 0.01 * f.grad
e = a * b
d = e + c
L = d * f
print(L.data)
print(L)
draw_dot(L)
