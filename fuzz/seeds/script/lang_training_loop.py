# the training-loop shape: rebuild the graph every step, zero grads, backward, p.data -= lr * p.grad
from micrograd.engine import Value

w = Value(0.5, label='w')
b = Value(0.0, label='b')
data = [(1.0, 3.0), (2.0, 5.0), (3.0, 7.0)]
lr = 0.05
for step in range(30):
    loss = Value(0.0)
    for x, y in data:
        pred = w * x + b
        loss = loss + (pred - y) ** 2
    w.grad = 0.0
    b.grad = 0.0
    loss.backward()
    for p in [w, b]:
        p.data -= lr * p.grad
    if step % 10 == 0 or step == 29:
        print(f'step {step:2d} loss {loss.data:.6f} w {w.data:.4f} b {b.data:.4f}')
print(round(w.data, 3), round(b.data, 3), len(loss._prev))
