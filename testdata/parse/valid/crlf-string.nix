"first
second"
