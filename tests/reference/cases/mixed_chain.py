# a mixed chain of every lowering: constants on both sides, neg, sub, div, pow, activations
from micrograd.engine import Value
a = Value(1.5, label='a')
b = Value(-0.5, label='b')
c = (2 * a - b / 4 + 1) ** 2
d = -c + 3.0 / (a * b - 1)
e = (d.tanh() + (b - 2).relu() + (a / 3).exp()) * 0.5
f = 1 - e
f.backward()
print(f'{f.data:.6f} {a.grad:.6f} {b.grad:.6f}')
