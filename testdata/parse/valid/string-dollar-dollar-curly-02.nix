"price: $${amount} and $${ other }"
