"tab\there\rcarriage"
