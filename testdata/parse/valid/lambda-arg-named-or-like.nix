order: order
