# UnboundLocalError: a name assigned later in the function is local throughout it
count = 0

def bump():
    count += 1
    return count

bump()
