# list/set/dict comprehensions and generator expressions: nested for clauses, if clauses, scoping
from micrograd.engine import Value

xs = [Value(float(i)) for i in range(4)]
ws = [Value(0.5 * i - 1) for i in range(4)]
prods = [w * x for w, x in zip(ws, xs)]
print([p.data for p in prods])
grid = [(i, j) for i in range(3) for j in range(i) if (i + j) % 2 == 1]
print(grid)
flat = [v.data for row in [[xs[0], xs[1]], [xs[2]]] for v in row]
print(flat)
evens = {i % 3 for i in range(10)}
print(sorted(evens))
table = {f'x{i}': x.data for i, x in enumerate(xs) if x.data > 0}
print(table)
nested = [[i * j for j in range(3)] for i in range(3)]
print(nested)
total = sum(w.data * x.data for w, x in zip(ws, xs))
print(total)
gen = (v.data ** 2 for v in xs)
print(next(gen), next(gen), list(gen), list(gen))
print(sum(1 for v in xs if v.data >= 2), any(v.data > 2 for v in xs), all(w.data < 1 for w in ws))
cond = [v.data if v.data > 1 else -v.data for v in xs]
print(cond, [c for c in cond if c if c > 0])
i = 'unchanged'
_ = [i for i in range(3)]
print(i)
y = sum(w * x for w, x in zip(ws, xs))
y.backward()
print([w.grad for w in ws], [x.grad for x in xs])
