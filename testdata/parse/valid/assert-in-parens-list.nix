[ (assert true; 1) (with {}; 2) (let x = 3; in x) (y: y) ]
