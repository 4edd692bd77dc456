# builtins: enumerate, zip, any/all, round, abs, isinstance, len, range, conversions, getattr/setattr/hasattr, type
from micrograd.engine import Value

vals = [Value(-1.5), Value(2.25), Value(0.0)]
for i, v in enumerate(vals):
    print(i, v.data)
for i, v in enumerate(vals, start=1):
    print(i, end=' ')
print()
print(list(zip([1, 2, 3], 'ab')), list(zip()), list(enumerate('xy')), list(zip(vals, range(2)))[1][1])
print(any([]), all([]), any([0, '', None]), all([1, 'a']), any(v.data > 2 for v in vals), all(vals))
print(round(2.5), round(3.5), round(-0.5), round(2.675, 2), round(1.23456, 3), round(7), round(-1.5), round(0.125, 2), round(15, -1), type(round(2.5)).__name__, type(round(2.5, 0)).__name__)
print(abs(-3), abs(-2.5), abs(0.0), abs(-0.0), abs(True))
print(isinstance(vals[0], Value), isinstance(1.0, Value), isinstance(3, (int, float)), isinstance(True, int), isinstance(2.0, int), isinstance('s', str))
print(len('hello'), len(vals), len([]), list(range(5, 0, -2)), list(range(3)), list(range(2, 5)), len(range(10)))
print(int(3.9), int(-3.9), int('42'), int(' 7 '), float('1.5'), float(3), float('-inf'), bool(0), bool([]), bool([0]), bool(''), str(1.0), str(None), str(10))
print(repr('a'), repr(1.0), repr(Value(1)), repr([1, 'b']), list('abc'), list((1, 2)))
print(hasattr(vals[0], 'grad'), hasattr(vals[0], 'nope'), getattr(vals[0], 'data'), getattr(vals[0], 'nope', 'default'))
setattr(vals[0], 'grad', 0.25)
print(vals[0].grad, type(1).__name__, type(vals[0]).__name__, type('s') is str, type(1.0) == float, type(True).__name__)
m = vals[0] * vals[1] + abs(vals[2].data)
m.backward()
print(vals[0].grad, vals[1].grad)
