# KeyError raised in a method, called from a function, called from a loop
class Table:
    def __init__(self):
        self.rows = {'a': 1, 'b': 2}

    def lookup(self, k):
        return self.rows[k]

def total(t, keys):
    s = 0
    for k in keys:
        s += t.lookup(k)
    return s

print(total(Table(), ['a', 'b']))
print(total(Table(), ['a', 'c', 'b']))
