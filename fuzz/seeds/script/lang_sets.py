# sets: Values hash by identity; add/in/len; ._prev is a set; only order-free results printed
from micrograd.engine import Value

a = Value(1.0); b = Value(1.0); c = a + b
s = {a, b}
print(len(s), a in s, c in s)
s.add(a)
s.add(c)
print(len(s), c in s)
print(len({Value(0.0), Value(0.0)}))
print(sorted(v.data for v in s))
print(c._prev == {a, b}, a in c._prev, len(c._prev), c._op)
d = a + a
print(len(d._prev), d._prev == {a})
nums = {3, 1, 2, 3}
print(len(nums), sorted(nums), 2 in nums)
nums.add(10); nums.discard(1); nums.remove(3); nums.discard(42)
print(sorted(nums))
print(sorted({1, 2} | {2, 3}), sorted({1, 2} & {2, 3}), sorted({1, 2} - {2}), {1, 2} == {2, 1}, set() == set([]))
seen = set()
order = []
for v in [a, b, a, c, b]:
    if v not in seen:
        seen.add(v)
        order.append(v)
print([v.data for v in order])
uniq = {v.data for v in [a, b, c]}
print(sorted(uniq), len(set('hello')))
index = {v: i for i, v in enumerate([a, b, c])}
print(index[c], len(index), [index[v] for v in index])
d.backward()
print(a.grad)
