# str methods and %-formatting
from micrograd.engine import Value

words = 'the quick  brown fox'
print(words.split(), words.split(' '), 'a,b,,c'.split(','), 'a b c'.split(' ', 1), ''.split())
print('-'.join(['x', 'y', 'z']), ''.join(str(i) for i in range(4)), ', '.join([]), '|'.join('abc'))
print(words.upper(), 'MiXeD'.lower(), 'hello'.capitalize(), 'ab cd'.title())
print(words.replace(' ', '_'), 'aaa'.replace('a', 'b', 2), 'x'.replace('y', 'z'))
print('{} + {} = {}'.format(1, 2.5, 'x'), '{0}{1}{0}'.format('a', 'b'), '{name}:{v:.2f}'.format(name='w', v=0.5), '{:>5}|{:<4}|'.format('r', 'l'))
print('  pad  '.strip() + '|', 'xxhixx'.strip('x'), '  l'.lstrip(), 'r  '.rstrip() + '|', '\n\tws \n'.strip())
print('micrograd'.startswith('micro'), 'file.py'.endswith('.py'), 'abc'.startswith(('x', 'a')), 'abc'.find('c'), 'abc'.find('z'), 'banana'.count('a'), 'banana'.index('n'))
print('abc' * 2, 'ab' + 'cd', 'abc'[1], 'abc'[-1], 'abcdef'[1:4], 'abcdef'[::-1], 'b' in 'abc', 'ac' in 'abc', len('héllo'))
print('%.4f' % 3.14159, '%d items' % 3, '%s=%r' % ('k', 'v'), '%5.1f|%-5d|' % (2.25, 42), '%x %e %%' % (255, 12345.6789), '%s' % [1, 2], '%03d' % 7)
print('3'.isdigit(), 'a1'.isalpha(), ' '.isspace(), 'abc'.islower(), 'ABC'.isupper(), str(12).zfill(4), 'x'.center(5, '*'), 'ab'.ljust(4, '.') + '|', 'ab'.rjust(4))
print('a-b-c'.rsplit('-', 1), 'line1\nline2'.splitlines(), 'k=v'.partition('='), 'abc'.upper().lower())
v = Value(0.123456)
w = v * 2
label = '%s: %.3f' % ('v', v.data)
print(label, 'data %.4f' % v.data, '{:.2f}'.format(v.data), str(v), repr(v) == str(v))
w.backward()
print("{ %s | data %.4f | grad %.4f }" % ('w', w.data, w.grad), "{ %s | data %.4f | grad %.4f }" % ('v', v.data, v.grad))
