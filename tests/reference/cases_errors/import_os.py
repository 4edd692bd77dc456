# import os: CPython runs this fine (exit 0); gradviz must refuse it (SPEC §4: other modules are an error)
import os
print(os.sep)
