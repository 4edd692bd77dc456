# lecture: the hand-written topological sort over v._prev, then _backward() in reverse order.
# The order of `topo` follows set iteration (by id hash), so only order-free facts are printed.
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

o.grad = 1.0

topo = []
visited = set()
def build_topo(v):
  if v not in visited:
    visited.add(v)
    for child in v._prev:
      build_topo(child)
    topo.append(v)
build_topo(o)

for node in reversed(topo):
  node._backward()

print(len(topo), len(visited), topo[-1] is o, topo.index(n) < topo.index(o))
print(sorted(v.data for v in topo))
print(sorted(v.label for v in topo))
print(all(topo.index(c) < topo.index(v) for v in topo for c in v._prev))
print(x1.grad, w1.grad, x2.grad, w2.grad, b.grad)
draw_dot(o)
