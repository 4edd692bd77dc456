# The lecture's neuron with tanh written through exp: o = (e^2n - 1) / (e^2n + 1).
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
# ----
e = (2*n).exp()
o = (e - 1) / (e + 1)
# ----
o.label = 'o'
o.backward()
print(f'o {o.data:.4f}')
print(f'x1 {x1.grad:.4f} w1 {w1.grad:.4f} x2 {x2.grad:.4f} w2 {w2.grad:.4f} b {b.grad:.4f}')
