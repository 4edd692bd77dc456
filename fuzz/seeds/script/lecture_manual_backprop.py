# Backpropagation through the neuron by hand, one node at a time, as the
# lecture does before it automates the walk.
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
draw_dot(o)  # n.grad is filled: 1 - o**2 = 0.5
n._backward()
x1w1x2w2._backward()
x2w2._backward()
x1w1._backward()
draw_dot(o)  # every grad is filled
print(f'{x1.grad:.4f} {w1.grad:.4f} {x2.grad:.4f} {w2.grad:.4f} {b.grad:.4f}')
