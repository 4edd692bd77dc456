# auto labels (README "Auto labels"): assignments in functions, methods and loops, unpacking targets;
# not attribute/subscript targets, loop or comprehension variables; an explicit label wins
from micrograd.engine import Value

def neuron(x, w, b):
    xw = x * w
    act = xw + b
    out = act.tanh()
    return out

class Pair:
    def __init__(self, a, b):
        self.a = a * 1        # attribute target: stays unlabelled
        s = a + b
        self.s = s

x = Value(1.0); w = Value(-2.0); b = Value(0.5)
o = neuron(x, w, b)
print(o.label, x.label, next(iter(o._prev)).label)
p = Pair(x, w)
print(repr(p.a.label), p.s.label)
acc = Value(0.0)
for i in range(3):
    term = x * i
    acc = acc + term
print(acc.label, term.label)
for loopvar in [x * 7]:
    print(repr(loopvar.label))
u, (v, t) = x + 1, (w * 2, 3)
print(u.label, v.label, t)
first = second = x * w
print(first.label, second is first)
e = x * 3; e.label = 'explicit'
print(e.label)
lst = [x * 4]
lst[0] = x * 5
print(repr(lst[0].label))
sq = [y for y in [x ** 2]]
print(repr(sq[0].label))
named = Value(7.0, label='given')
named2 = named
print(named2.label)
n = x * 1
n += w
print(n.label)
total = o + acc + u + v + first + e + n + p.s + p.a + lst[0] + sq[0] + loopvar
total.backward()
