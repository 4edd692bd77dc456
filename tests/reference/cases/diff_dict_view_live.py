# differential finding: d.items() and d.values() are live views: a loop over
# them sees a value assigned to a key it has not reached yet
from micrograd.engine import Value

d = {'a': Value(1.0), 'b': Value(2.0)}
for k, v in d.items():
    d['b'] = v * 3
    print(k, v.data)
for v in d.values():
    d['b'] = v + 1
    print(v.data)
out = sum(d.values(), Value(0.0))
out.backward()
print(out.data, d['a'].grad)
