# in this grammar a ? b ? c parses as (a ? b) ? c
a ? b ? c
