# lecture: backprop by hand, one node at a time, with ._backward()
from micrograd.engine import Value
x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
draw_dot(o)
o.grad = 1.0
o._backward()
draw_dot(o)
n._backward()
x1w1x2w2._backward()
draw_dot(o)
x1w1._backward()
x2w2._backward()
draw_dot(o)
print(o.grad, n.grad, x1.grad, w1.grad, x2.grad, w2.grad, b.grad)
