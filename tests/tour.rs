use crate::support::TestRepo;
