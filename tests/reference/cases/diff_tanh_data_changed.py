# differential finding: tanh's backward uses the t it computed in the forward pass
# (the lecture's closure), not the node's data as changed since
from micrograd.engine import Value

a = Value(0.5)
t = a.tanh()
t.data = 2.0
t.backward()
print(a.grad)
