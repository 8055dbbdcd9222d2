{
  /** Doc comment for a. */
  a = 1;

  /**
    Adds two numbers.

    # Example

    ```nix
    add 1 2
    ```
  */
  add = x: y: x + y;
}
