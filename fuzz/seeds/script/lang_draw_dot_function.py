# draw_dot called inside functions: each call is a snapshot of the graph at that moment
from micrograd.engine import Value

def forward(a, b):
    c = a * b
    d = c + a
    draw_dot(d)          # before backward: grads still 0
    return d

def show(v):
    draw_dot(v)

x = Value(2.0, label='x')
y = Value(-1.0, label='y')
out = forward(x, y)
out.backward()
show(out)
print(x.grad, y.grad, out.label)
