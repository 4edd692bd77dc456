# labels: explicit label= wins; .label set later overrides; auto label otherwise
from micrograd.engine import Value
a = Value(1.0, label='alpha')
b = Value(2.0)
c = a + b
c.label = 'sum'
d = c * b
d.label = ''
e = d + 1
a.label = 'a2'
e.backward()
print(repr(a.label), repr(b.label), repr(c.label), repr(d.label), repr(e.label))
