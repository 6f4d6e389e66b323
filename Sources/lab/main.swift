import LabCommandLine

// The lab is its command-line library with the built-in workloads; a package of your own
// calls the same with its workloads added (see Workloads/README.md).
LabCommandLine.main()
