# micrograd trace_graph.ipynb: a very simple example, then a micrograd.nn 2D neuron
from micrograd.engine import Value

# a very simple example
x = Value(1.0)
y = (x * 2 + 1).relu()
y.backward()
draw_dot(y)

# a simple 2D neuron
import random
from micrograd import nn

random.seed(1337)
n = nn.Neuron(2)
x = [Value(1.0), Value(-2.0)]
y = n(x)
y.backward()

dot = draw_dot(y)
print(n.w)
print(n.b)
print(y)
print(n.parameters())
print(n)
print(x)
