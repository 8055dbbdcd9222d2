/**
  Identity function.

  # Type

  ```
  id :: a -> a
  ```
*/
x: x
