# differential finding: an int zero made by int * negative int is the int 0
# (no sign), so float results computed from it are 0.0, never -0.0
from micrograd.engine import Value

v = Value(-1) * 0
print(v.data, v.tanh().data, (v * 1.0).data)
r = -Value(-2).relu()
print(r.data, r.tanh().data)
