# sorted with key= and reverse=, min/max with key= over Values' data, ties, reversed
from micrograd.engine import Value

vals = [Value(d) for d in [0.3, -1.2, 2.5, 0.0, -0.7]]
by_data = sorted(vals, key=lambda v: v.data)
print([v.data for v in by_data])
desc = sorted(vals, key=lambda v: v.data, reverse=True)
print([v.data for v in desc])
by_abs = sorted(vals, key=lambda v: abs(v.data))
print([v.data for v in by_abs])
print(min(vals, key=lambda v: v.data), max(vals, key=lambda v: v.data))
print(min(3, 1, 2), max([4, 9, 2]), min('b', 'a'), max([1.5, 2]), min([], default=None), max(2, 2.0))
words = ['pear', 'fig', 'apple', 'kiwi']
print(sorted(words), sorted(words, key=len), sorted(words, key=len, reverse=True))
print(max(words, key=len), min(words, key=len), max(['aa', 'b', 'cc'], key=len), min(['bb', 'a', 'c'], key=len))
print(sorted([3, 1, 2], reverse=True), sorted((2.5, -1, 0)), sorted('cba'), sorted({'b': 1, 'a': 2}))
pairs = sorted([(1, 'b'), (0, 'z'), (1, 'a')])
print(pairs, sorted(pairs, key=lambda p: p[1]))
print(list(reversed(words)), words)
words.sort(key=lambda w: w[-1])
print(words)
best = max(vals, key=lambda v: v.data)
worst = min(vals, key=lambda v: v.data)
gap = best - worst
gap.backward()
print(best.grad, worst.grad, [v.grad for v in vals])
