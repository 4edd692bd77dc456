# print: sep/end, and the repr of containers holding floats, ints, strings, None, bools and Values
from micrograd.engine import Value

a = Value(1.5)
print(1, 2.0, 'three', None, True)
print('a', 'b', sep='')
print('a', 'b', sep=', ', end='!\n')
print('no newline', end='')
print(' -- continued')
print()
print([1, 2.0, 'x', None, True, (3,), [4.5]])
print({'k': 1.0, 'n': [1, 2], 3: 'three', 'v': a})
print((1,), (1, 'a'), [], {}, set(), ())
print([a, a * 2])
print({'w': [Value(0.5), Value(-1)]}, (Value(2),))
print(0.1 + 0.2, 1e16, 1e-5, 123456789.0, 1.0e22, 2.0 ** 70, 1 / 3, -0.0, 100.0, 1e15 + 0.3, 2 / 3, 10 / 2)
print(3.0, 3, -3.50, float('inf'), -float('inf'), 5e-324, 1.7976931348623157e308, 0.000123)
print('tab\tsep', 'quote\'s', "dq\"s", ['it\'s', 'a"b', 'back\\slash', 'nl\n', 'both\'"'])
print(*[1, 2, 3], sep='-')
print(*'abc')
print('x', 'y', sep='\n', end='\n---\n')
print(str([0.1, 'x']), repr('x'), str('x'))
b = a * 2
print(b)
