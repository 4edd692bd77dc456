# lecture: its trace() (the graph walk behind its draw_dot), without graphviz; sets of nodes and
# of (child, parent) edge tuples, so only order-free facts are printed
from micrograd.engine import Value

def trace(root):
  # builds a set of all nodes and edges in the graph
  nodes, edges = set(), set()
  def build(v):
    if v not in nodes:
      nodes.add(v)
      for child in v._prev:
        edges.add((child, v))
        build(child)
  build(root)
  return nodes, edges

a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a * b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'

nodes, edges = trace(L)
print(len(nodes), len(edges))
print(sorted(n.label for n in nodes))
print(sorted((n1.label, n2.label) for n1, n2 in edges))
print(sorted("{ %s | data %.4f }" % (n.label, n.data) for n in nodes))
print(sorted(n._op for n in nodes if n._op), (a, e) in edges, (e, a) in edges)
g = a + a
print(len(trace(g)[0]), len(trace(g)[1]))
draw_dot(L)
