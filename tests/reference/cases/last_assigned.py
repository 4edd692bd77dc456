# no draw_dot, no backward: the diagram is the value bound by the last assignment of a Value
from micrograd.engine import Value
a = Value(2.0)
b = Value(3.0)
c = a * b
d = c + a
x = 1.5
print(d)
