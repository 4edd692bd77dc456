# open(): FileNotFoundError under CPython; a sandbox error for gradviz (SPEC §4)
f = open('x')
print(f.read())
